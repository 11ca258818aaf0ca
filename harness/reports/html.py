"""One self-contained static HTML page per run: every table (click a header to sort), every
figure embedded as a data: URI, the footer. No server, no external asset, nothing fetched.

Every name, label and note is HTML-escaped; a Content-Security-Policy lets only the page's own
script (by hash) run, so even a missed escape could not run code. `#sort=<table>:<column>:<asc|desc>`
in the URL sorts a table on load (a shareable sorted view).
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

from harness.reports.table import LEARNED_NOTHING

SCRIPT = """
(function () {
  function key(td) {
    var s = td.getAttribute('data-sort');
    if (s !== null && s !== '' && !isNaN(parseFloat(s))) return [0, parseFloat(s)];
    return [1, td.textContent];
  }
  function cmp(a, b) {
    if (a[0] !== b[0]) return a[0] - b[0];
    return a[0] === 0 ? a[1] - b[1] : a[1].localeCompare(b[1]);
  }
  function sortTable(table, col, dir) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var c = cmp(key(r1.cells[col]), key(r2.cells[col]));
      return dir === 'desc' ? -c : c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    var ths = table.tHead.rows[0].cells;
    for (var i = 0; i < ths.length; i++) ths[i].removeAttribute('aria-sort');
    ths[col].setAttribute('aria-sort', dir === 'desc' ? 'descending' : 'ascending');
  }
  var tables = document.querySelectorAll('table.sortable');
  tables.forEach(function (table) {
    var ths = table.tHead.rows[0].cells;
    for (var i = 0; i < ths.length; i++) {
      (function (col) {
        ths[col].addEventListener('click', function () {
          var now = ths[col].getAttribute('aria-sort');
          sortTable(table, col, now === 'descending' ? 'asc' : 'desc');
        });
      })(i);
    }
  });
  var m = /#sort=([\\w-]+):(\\d+):(asc|desc)/.exec(location.hash);
  if (m) {
    var t = document.getElementById('table-' + m[1]);
    if (t && +m[2] < t.tHead.rows[0].cells.length) sortTable(t, +m[2], m[3]);
  }
  document.documentElement.setAttribute('data-ready', '1');
})();
"""

STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:14px}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3;cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:" \\25B2"} th[aria-sort=descending]::after{content:" \\25BC"}
td.best{font-weight:bold} td.overlap{font-style:italic} td.failed{color:#b00020}
td.nothing{color:#777;background:#f6f6f6} td.published{font-style:italic;color:#555}
p.note{font-size:13px;color:#555;max-width:70em} footer{font-size:12px;color:#555;margin-top:2em}
figure{display:inline-block;margin:1em} img{max-width:100%}
"""


def _csp() -> str:
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    return (f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
            f"script-src 'sha256-{digest}'")


def _table(t) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in t.columns)
    rows = []
    for row in t.rows:
        cells = []
        for c in row:
            sort = f' data-sort="{escape(str(c.sort))}"' if isinstance(c.sort, (int, float)) else ""
            cls = f' class="{c.mark}"' if c.mark in ("best", "overlap", "failed", LEARNED_NOTHING,
                                                     "published") else ""
            cells.append(f"<td{cls}{sort}>{escape(c.text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    notes = "".join(f'<p class="note">{escape(n)}</p>' for n in t.notes)
    return (f'<section><h2>{escape(t.title)}</h2>\n<table class="sortable" id="table-{escape(t.key)}">'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows)
            + f"\n</tbody></table>\n{notes}</section>")


def _figure(plot, root) -> str:
    data = base64.b64encode((root / plot.path).read_bytes()).decode()
    return (f'<figure><img alt="{escape(plot.title)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{escape(plot.title)}</figcaption></figure>")


def html_page(report) -> str:
    tables = "\n".join(_table(t) for t in report.tables)
    figures = "\n".join(_figure(p, report.root) for p in report.plots)
    footer = "<br>".join(escape(line) for line in report.footer)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{escape(_csp())}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(report.suite_name)}: harness report</title>
<style>{STYLE}</style></head>
<body>
<h1>{escape(report.suite_name)}</h1>
{tables}
{'<section><h2>Figures</h2>' + figures + '</section>' if figures else ''}
<footer>{footer}</footer>
<script>{SCRIPT}</script>
</body></html>
"""
