"""JSON that is safe inside a <script> element: text from users (area names, say) cannot
close the element and run as a script."""

import json
from typing import Any

_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def script_json(value: Any) -> str:
    return json.dumps(value).translate(_ESCAPES)
