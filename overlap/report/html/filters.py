"""The overview's filter: minimum similarity, kind, flag and name, run by the page's own script.

The controls are hidden until the script shows them, so a page read without script has no
dead controls: its table lists every submission, most similar first. Each row of the table
carries what the filter reads (``data-similarity``, ``data-kinds``, ``data-flags``,
``data-name``), escaped like every other attribute.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from overlap.model import SEVERITY_OF, Finding, Kind, SubmissionSummary
from overlap.report.html.legend import KIND_LABEL
from overlap.report.html.markup import attrs, esc


def row_data(
    s: SubmissionSummary, findings: Sequence[Finding], name: str, relative: str
) -> dict[str, str | float | None]:
    """The attributes of a submission's table row that the filter reads.

    Kinds are those of findings not dismissed (none: no attribute, as for flags); what is
    typed in the filter's name field is looked for, in lower case, in the submission's name,
    its student and its path below the folder all submissions lie in.
    """
    kinds = sorted({f.kind.value for f in findings if not f.dismissed})
    words = " ".join(dict.fromkeys(filter(None, (name, s.student, relative))))
    return {
        "data_similarity": round(s.similarity, 4),
        "data_kinds": " ".join(kinds) or None,
        "data_flags": " ".join(s.flags) or None,
        "data_name": words.lower(),
    }


def _options(pairs: Sequence[tuple[str, str]]) -> str:
    return "".join(f"<option{attrs(value=v)}>{esc(label)}</option>" for v, label in pairs)


def filter_controls(
    submissions: Sequence[SubmissionSummary], findings: dict[str, list[Finding]]
) -> str:
    """The filter form, hidden until the page's script shows it.

    Args:
        submissions: The batch.
        findings: Each submission's findings, by id.
    """
    with_kind: Counter[Kind] = Counter()
    for s in submissions:
        with_kind.update({f.kind for f in findings.get(s.id, []) if not f.dismissed})
    kinds = sorted(with_kind, key=lambda k: (-SEVERITY_OF[k].rank, KIND_LABEL[k]))
    flags = Counter(flag for s in submissions for flag in s.flags)
    kind_options = [("", "any or none")] + [
        (k.value, f"{KIND_LABEL[k]} ({with_kind[k]})") for k in kinds
    ]
    flag_options = [
        ("", "any or none"),
        ("*", f"any flag ({sum(bool(s.flags) for s in submissions)})"),
    ]
    flag_options += [(f, f"{f.replace('_', ' ')} ({n})") for f, n in sorted(flags.items())]
    total = len(submissions)
    return (
        '<form id="filters" class="filters" hidden aria-label="Filter the submissions">'
        '<div class="field"><label for="f-min">Similarity at least '
        '<output id="f-min-shown" for="f-min">0%</output></label>'
        '<input type="range" id="f-min" name="min" min="0" max="100" step="1" value="0"></div>'
        '<div class="field"><label for="f-kind">Kind of finding</label>'
        f'<select id="f-kind" name="kind">{_options(kind_options)}</select></div>'
        '<div class="field"><label for="f-flag">Flag</label>'
        f'<select id="f-flag" name="flag">{_options(flag_options)}</select></div>'
        '<div class="field grow"><label for="f-who">Student or file</label>'
        '<input type="search" id="f-who" name="who" autocomplete="off" '
        'placeholder="part of a name or path"></div>'
        '<div class="field"><button type="reset" id="f-reset">Show all</button></div>'
        f'<p id="f-count" class="count" role="status" aria-live="polite">Showing {total} of '
        f"{total} submissions</p></form>"
    )


#: Runs the filter: shows the controls, hides the rows that do not match, says how many show.
FILTER_SCRIPT = """
(function () {
  var form = document.getElementById("filters");
  var table = document.getElementById("submissions");
  if (!form || !table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var min = document.getElementById("f-min"), shown = document.getElementById("f-min-shown");
  var kind = document.getElementById("f-kind"), flag = document.getElementById("f-flag");
  var who = document.getElementById("f-who"), count = document.getElementById("f-count");
  function has(list, word) {
    return (" " + (list || "") + " ").indexOf(" " + word + " ") >= 0;
  }
  function apply() {
    var least = (parseFloat(min.value) || 0) / 100 - 1e-9;
    var k = kind.value, f = flag.value, w = who.value.trim().toLowerCase(), n = 0;
    rows.forEach(function (row) {
      var flags = row.getAttribute("data-flags");
      var ok = (parseFloat(row.getAttribute("data-similarity")) || 0) >= least &&
        (!k || has(row.getAttribute("data-kinds"), k)) &&
        (!f || (f === "*" ? !!flags : has(flags, f))) &&
        (!w || (row.getAttribute("data-name") || "").indexOf(w) >= 0);
      row.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = min.value + "%";
    count.textContent = "Showing " + n + " of " + rows.length + " submissions";
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  form.hidden = false;
  apply();
  form.setAttribute("data-filter", "ready");
})();
"""
