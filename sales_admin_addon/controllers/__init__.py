from . import portal
from . import weekly_report
