"""The HTML report of a run: ``RUN_DIR/report.html``, one self-contained page that opens from disk.

:mod:`.models` (trace and tree-node files), :mod:`.trees` (reading trees, the chosen path),
:mod:`.loading` (a run folder as the report sees it), :mod:`.tree_html` (drawing a tree as nested
``<details>``) and :mod:`.builder` (the page, from ``templates/``).
"""

from .builder import REPORT_NAME, render_report, write_html_report
from .loading import RunData, load_run
from .trees import chosen_path, short_action

__all__ = ["REPORT_NAME", "RunData", "chosen_path", "load_run", "render_report", "short_action", "write_html_report"]
