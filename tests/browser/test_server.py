"""The test server reports the site's failures, not a browser's dropped connections."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("browser_conftest", Path(__file__).with_name("conftest.py"))
browser_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(browser_conftest)


@pytest.mark.parametrize("dropped", [BrokenPipeError, ConnectionResetError, ConnectionAbortedError])
def test_a_dropped_connection_prints_nothing(capfd, dropped: type[Exception]) -> None:
    server = browser_conftest.SiteServer(("127.0.0.1", 0), browser_conftest._QuietHandler)
    try:
        try:
            raise dropped("the browser closed the connection")
        except ConnectionError:
            server.handle_error(None, ("127.0.0.1", 1))
        assert capfd.readouterr().err == ""
        # any other failure of a request is still reported, with its traceback
        try:
            raise OSError("disk read failed")
        except OSError:
            server.handle_error(None, ("127.0.0.1", 1))
        err = capfd.readouterr().err
        assert "Exception occurred during processing of request" in err and "disk read failed" in err
    finally:
        server.server_close()
