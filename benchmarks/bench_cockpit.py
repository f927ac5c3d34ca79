"""The "Today" cockpit: ``sales_admin.cockpit.get_cockpit_data`` per user and scope.

Run on a seeded database (``sales_admin_bench_otif``: 1M order lines, about a million visits, 250k partners) as a
Sales Administration user (the administrator: scopes all, mine and team) and as salespeople (a team leader and a
team member: mine and team), with the user's rights and companies, the ORM cache emptied before each run.
Reported: the median wall time of the runs, the queries of one run and the counters' figures. Goal: under a
second, and the same number of queries whatever the scope and the data. Check: each counter's count is what its
action lists (``search_count`` on the action's domain as the same user), or exit 1.
"""

import sys

from _common import environment, line, measure, parse_args

NAME = "cockpit"
GOAL_MS = 1000.0


def salespeople(env):
    """A team leader and a member of the same team, both salespeople outside the Sales Administration: the ones
    with the most visits."""
    group = env.ref("sales_admin_addon.sales_admin_addon_group_user")
    teams = env["crm.team"].search([("user_id", "!=", False), ("member_ids", "!=", False)])
    users = []
    for team in teams:
        members = (team.member_ids - team.user_id).filtered(lambda user, g=group: g not in user.groups_id)
        if members and group not in team.user_id.groups_id:
            users = [team.user_id, members[0]]
            break
    return users


def check(env, data, label):
    for section in data["sections"]:
        for counter in section["counters"]:
            action = counter["action"]
            listed = env[action["res_model"]].search_count(action["domain"])
            if listed != counter["count"]:
                line(f"{NAME}.{label}.check", f"FAILED: {counter['key']} counts {counter['count']}, lists {listed}")
                sys.exit(1)


def run(env, user, scope, runs, label):
    user_env = env(user=user)
    user_env = user_env(context=user.with_env(user_env).context_get())
    cockpit = user_env["sales_admin.cockpit"]
    result = measure(user_env, lambda: cockpit.get_cockpit_data(scope), runs=runs)
    data = result.result
    counts = ", ".join(
        f"{counter['key']} {counter['count']}" for section in data["sections"] for counter in section["counters"]
    )
    line(f"{NAME}.{label}.{scope}_ms", result.ms, "ms")
    line(f"{NAME}.{label}.{scope}_ms_range", f"{result.best * 1000:.2f}..{result.worst * 1000:.2f}", "ms")
    line(f"{NAME}.{label}.{scope}_queries", result.queries)
    line(f"{NAME}.{label}.{scope}_counters", counts)
    check(user_env, data, f"{label}.{scope}")
    return result


def main():
    args = parse_args(__doc__)
    with environment(args.database) as env:
        line(f"{NAME}.order_lines", env["sale.order.line"].search_count([]))
        line(f"{NAME}.visits", env["sales_admin.visit"].search_count([]))
        line(f"{NAME}.partners", env["res.partner"].with_context(active_test=False).search_count([]))
        cases = [(env.user, "sales_admin", scope) for scope in ("all", "mine", "team")]
        leader_member = salespeople(env)
        for user, label in zip(leader_member, ("leader", "salesperson"), strict=False):
            cases += [(user, label, scope) for scope in ("mine", "team")]
        worst = 0.0
        for user, label, scope in cases:
            if scope not in {key for key, __ in env["sales_admin.cockpit"].with_user(user)._get_scopes()}:
                continue
            line(f"{NAME}.{label}.user", user.login)
            worst = max(worst, run(env, user, scope, args.runs, label).ms)
        line(f"{NAME}.worst_ms", worst, "ms")
        line(f"{NAME}.goal", "OK" if worst < GOAL_MS else f"MISSED: {worst:.0f} ms, goal {GOAL_MS:.0f} ms")


if __name__ == "__main__":
    main()
