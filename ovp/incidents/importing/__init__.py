"""The import of a city's export into the victims table, step by step:

- guessing.py: a mapping guessed from a sample of a new city's export (guess_mapping);
- dates.py: dates and hours read as `datetime.strptime` reads them;
- city_check.py: whether the export's points lie in this city at all;
- reading.py: where the export is (a path, an upload, a URL), its header checked against the
  mapping, then its rows read in blocks by Arrow;
- normalizing.py: each field of a block through its parser (dates, times, the fatal flag or
  counts, coordinates, codes, age, sex, race, keys) into victims with the portal's values;
- rejections.py: the rows the parsers refuse, each with the first reason found;
- columns.py: the victims table's columns by name, and the Arrow schema of its COPY;
- placement.py: each victim in an area of every kind, by point or by the code it reports
  (and `incidents_place`, which places every victim again when the areas change);
- producer.py: the blocks read, checked, placed and encoded for a binary COPY in threads of
  their own while Postgres stores the blocks before;
- merging.py: the rows into the victims table (straight in on a source's first import, else
  through a staging table: added, changed and removed, each change kept);
- service.py: `incidents_import`, one export of a source, recorded on its ImportRun.
"""

from ovp.incidents.importing.normalizing import ImportState, Normalized, normalize
from ovp.incidents.importing.placement import PlaceResult, incidents_place
from ovp.incidents.importing.reading import UnreadableFile, read_export, read_export_batches
from ovp.incidents.importing.service import incidents_import

__all__ = [
    "ImportState",
    "Normalized",
    "PlaceResult",
    "UnreadableFile",
    "incidents_import",
    "incidents_place",
    "normalize",
    "read_export",
    "read_export_batches",
]
