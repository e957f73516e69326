"""The run-following script (script_runs.js) with Streamlit's protobuf field numbers filled in: installed in every
page of a browser test (tests/e2e/conftest.py) and of the load test (benchmarks/load.py)."""

import functools
from pathlib import Path

SCRIPT_RUNS_JS = Path(__file__).with_name("script_runs.js")


@functools.cache
def script_runs_js() -> str:
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    numbers = {
        "__RERUN_SCRIPT__": BackMsg.DESCRIPTOR.fields_by_name["rerun_script"].number,
        "__NEW_SESSION__": ForwardMsg.DESCRIPTOR.fields_by_name["new_session"].number,
        "__SCRIPT_FINISHED__": ForwardMsg.DESCRIPTOR.fields_by_name["script_finished"].number,
        "__FINISHED_EARLY_FOR_RERUN__": ForwardMsg.FINISHED_EARLY_FOR_RERUN,
    }
    script = SCRIPT_RUNS_JS.read_text(encoding="utf-8")
    for placeholder, number in numbers.items():
        script = script.replace(placeholder, str(number))
    return script
