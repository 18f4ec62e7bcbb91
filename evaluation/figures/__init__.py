"""The figures of a needs assessment, drafted from the data: one module per section, each
building a typed `SectionFigures` (`base`) in three steps, each a small function:

- the numbers (a frozen dataclass of the section's own: `BurdenNumbers`, `WhoNumbers`, ...),
- the wording: the paragraph drafted from those numbers, stating them plainly, and the notes
  on how the figures were made and their limits,
- the tables and charts (every chart's numbers are in a table; charts are plotly figure dicts).

`SectionFigures.as_dict()` is what a section stores in `AssessmentSection.figures` (and each
version keeps): {"summary", "numbers", "tables": [{"caption", "columns", "rows"}],
"charts": [{"slug", "title", "description", "figure"}], "notes"}. Pages read that stored
form, so a saved version shows what it showed when it was saved.

`sections.SECTIONS` lists the sections in order. All reads are of aggregates (`PeriodCount`,
`Breakdown`, the inventory's gaps, the grants' annual funding, stored evaluation runs): never
a victim's row. This module imports nothing, so that `wording` and `periods` load without
pandas."""
