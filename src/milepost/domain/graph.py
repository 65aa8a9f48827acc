"""The dependency graph of a project, and finding a cycle in it (standard library only).

A link to or from a summary task applies to all of its subtasks, so summaries take part
through two nodes: their start side (reached by links into the summary, leading to
each subtask) and their finish side (reached from each subtask, leading to the links
out of the summary).  Tasks are numbered by outline position; the finish side of the
k-th summary is node ``n + k``.
"""

from __future__ import annotations

from milepost.domain.project import Project


def _successors(project: Project) -> tuple[list[list[int]], list[int]]:
    """Adjacency lists over the integer nodes, and the task index of each node."""
    index = project.task_index
    children = project.children
    n = len(project.tasks)
    finish_side = {key: n + k for k, key in enumerate(k for k in index if k in children)}
    owner = list(range(n)) + [index[k] for k in finish_side]
    succ: list[list[int]] = [[] for _ in owner]
    for key, kids in children.items():
        if key is None:
            continue
        start, finish = index[key], finish_side[key]
        for child in kids:
            succ[start].append(index[child])
            succ[finish_side.get(child, index[child])].append(finish)
    for dep in project.dependencies:
        pred = dep.predecessor
        succ[finish_side.get(pred, index[pred])].append(index[dep.successor])
    return succ, owner


def _runs_forward(project: Project) -> bool:
    """Whether every link runs forward in outline order, which proves there is no cycle.

    Rank the start side of task ``i`` as ``i`` and the finish side of summary ``s`` as
    ``last(s) + 1 - 1 / (depth(s) + 2)``, where ``last(s)`` is the greatest position in
    its subtree.  Edges from a summary's start to its subtasks and from a subtask's
    finish side to its summary's finish then always go up in rank (subtasks come after
    their summary and are deeper), and a link does when its predecessor, with all its
    subtasks, comes before its successor: ``last(pred) < succ``.  If every link does,
    the ranks order the whole graph.
    """
    tasks = project.tasks
    index = project.task_index
    last = list(range(len(tasks)))
    for i in range(len(tasks) - 1, -1, -1):  # subtasks come after their summary
        parent = tasks[i].parent
        if parent is not None:
            j = index.get(parent, len(tasks))
            if j >= i:
                return False
            if last[i] > last[j]:
                last[j] = last[i]
    preds, succs = project.link_endpoints
    return all(p >= 0 and last[p] < s for p, s in zip(preds, succs, strict=True))


def find_cycle(project: Project) -> list[str]:
    """Task keys of one dependency cycle, in link order, or ``[]`` if there is none.

    When every link runs forward in outline order there is none (the common case, see
    :func:`_runs_forward`).  Otherwise Kahn's algorithm decides whether there is a
    cycle, and only then a walk back along the tasks it could not order names one.
    """
    if _runs_forward(project):
        return []
    succ, owner = _successors(project)
    indeg = [0] * len(succ)
    for nexts in succ:
        for j in nexts:
            indeg[j] += 1
    ready = [i for i, d in enumerate(indeg) if d == 0]
    seen = 0
    while ready:
        i = ready.pop()
        seen += 1
        for j in succ[i]:
            indeg[j] -= 1
            if indeg[j] == 0:
                ready.append(j)
    if seen == len(succ):
        return []
    keys = [project.tasks[i].key for i in owner]
    return _name_cycle(succ, [d > 0 for d in indeg], keys)


def _name_cycle(succ: list[list[int]], left: list[bool], keys: list[str]) -> list[str]:
    """Name one cycle among the nodes Kahn could not order.

    Each such node has a predecessor that is also left over (otherwise it would have
    been ordered), so walking back along those predecessors must come round: that loop,
    reversed, is a cycle.  (Walking forward could run into a task that merely follows
    a cycle.)
    """
    preds: list[list[int]] = [[] for _ in succ]
    for i, nexts in enumerate(succ):
        if left[i]:
            for j in nexts:
                if left[j]:
                    preds[j].append(i)
    order: dict[int, int] = {}
    path: list[int] = []
    node = left.index(True)
    while node not in order:
        order[node] = len(path)
        path.append(node)
        node = preds[node][0]
    loop = list(reversed(path[order[node] :]))
    first = loop.index(min(loop))  # start from the task that comes first in the plan
    loop = loop[first:] + loop[:first]
    out: list[str] = []
    for i in loop:
        if not out or out[-1] != keys[i]:
            out.append(keys[i])
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out
