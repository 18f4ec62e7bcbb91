"""A pause point for the fault tests (tests/core/test_faults.py), and nothing else.

`pause_for_fault_tests("aggregate")` does nothing unless the environment variable
OVP_FAULT_TEST_PAUSE_AT names that point: then it touches the file named by
OVP_FAULT_TEST_FLAG and sleeps, so that a test can kill the worker mid-transaction.
Never set these outside tests.
"""

import os
import time
from pathlib import Path


def pause_for_fault_tests(point: str) -> None:
    if os.environ.get("OVP_FAULT_TEST_PAUSE_AT") != point:
        return
    Path(os.environ["OVP_FAULT_TEST_FLAG"]).touch()
    time.sleep(float(os.environ.get("OVP_FAULT_TEST_PAUSE_SECONDS", "120")))
