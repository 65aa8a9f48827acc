"""Task lists in spreadsheets (CSV, Excel) read into a project.

>>> from milepost.io.tasktable import read_task_table
>>> table = read_task_table("tasks.csv")  # doctest: +SKIP
>>> table.project, table.notes  # doctest: +SKIP
"""

from milepost.io.tasktable.reader import TaskTable, read_task_table, tasks_from_sheet
from milepost.io.tasktable.sheets import Sheet, read_sheet

__all__ = ["Sheet", "TaskTable", "read_sheet", "read_task_table", "tasks_from_sheet"]
