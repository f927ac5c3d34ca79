from . import sales_admin_ticket_log_call
from . import sales_admin_reception_link
from . import sales_admin_collection_promise
from . import sales_admin_collection_log_call
from . import sales_admin_target_copy
from . import sales_admin_segment_survey
from . import survey_invite
