"""HTTPS between the kiosk and the backend, with throw-away CAs made for this run.

Real servers (``python -m backend serve --tls-cert --tls-key [--tls-client-ca]``), the real
client (:class:`kiosk.backend.client.BackendClient`) and real handshakes: the pinned CA works,
a certificate from any other CA is refused even when the environment points the system trust
store at that CA, a backend that demands a client certificate refuses a terminal without one
(or with one from another CA), and ``kiosk run`` refuses plain http://.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.backend import errors as e
from kiosk.backend.client import BackendClient
from kiosk.cli import main as kiosk_main
from kiosk.config import ConfigError, Mode, hash_pin, load_config
from tests.fixtures.live_backend import CARDS, DEMO_PASSWORD, LiveBackend, start_backend
from tests.fixtures.throwaway_ca import Issued, ThrowawayCA, make_ca

PHONE = next(iter(CARDS))
TOKEN = "t0ken-for-a-hall-terminal-0001"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ThrowawayCA]:
    root = tmp_path_factory.mktemp("pki")
    return {"hall": make_ca(root, "hall-ca"), "rogue": make_ca(root, "rogue-ca")}


@pytest.fixture(scope="module")
def tls_backend(
    pki: dict[str, ThrowawayCA], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveBackend]:
    """HTTPS with a certificate from the hall's CA; no client certificate asked."""
    server = pki["hall"].issue("backend")
    args = ("--tls-cert", str(server.cert), "--tls-key", str(server.key))
    with start_backend(tmp_path_factory.mktemp("tls"), serve_args=args) as backend:
        yield backend


@pytest.fixture(scope="module")
def rogue_backend(
    pki: dict[str, ThrowawayCA], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveBackend]:
    """Someone on the hall network answering with a certificate from another CA."""
    server = pki["rogue"].issue("impostor")
    args = ("--tls-cert", str(server.cert), "--tls-key", str(server.key))
    with start_backend(tmp_path_factory.mktemp("rogue"), serve_args=args) as backend:
        yield backend


@pytest.fixture(scope="module")
def mtls_backend(
    pki: dict[str, ThrowawayCA], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveBackend]:
    """HTTPS that also demands a client certificate signed by the hall's CA."""
    server = pki["hall"].issue("backend-mtls")
    args = (
        "--tls-cert", str(server.cert), "--tls-key", str(server.key),
        "--tls-client-ca", str(pki["hall"].cert),
    )  # fmt: skip
    with start_backend(tmp_path_factory.mktemp("mtls"), serve_args=args) as backend:
        yield backend


def _client(backend: LiveBackend, ca: Path, cert: Issued | None = None) -> BackendClient:
    return BackendClient(
        backend.url,
        backend.terminal_id,
        backend.terminal_token,
        ca_file=str(ca),
        client_cert=str(cert.cert) if cert else "",
        client_key=str(cert.key) if cert else "",
        retries=0,
    )


def test_the_pinned_ca_works(tls_backend: LiveBackend, pki: dict[str, ThrowawayCA]) -> None:
    assert tls_backend.url.startswith("https://")
    with _client(tls_backend, pki["hall"].cert) as client:
        assert client.health()
        session = client.identify_password(PHONE, DEMO_PASSWORD)  # terminal auth over TLS
        assert session.factors


@pytest.mark.allow_log_warnings
def test_a_certificate_from_another_ca_is_refused(
    rogue_backend: LiveBackend,
    pki: dict[str, ThrowawayCA],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Only the pinned CA counts: not the system store, not what the environment points at.
    for var in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.setenv(var, str(pki["rogue"].cert))
    with _client(rogue_backend, pki["hall"].cert) as client:
        with pytest.raises(e.BackendUntrusted):
            client.identify_password(PHONE, DEMO_PASSWORD)
        assert not client.health()
    assert "CERTIFICATE_VERIFY_FAILED" in caplog.text
    assert DEMO_PASSWORD not in caplog.text and PHONE not in caplog.text
    # Nothing reached the impostor's application: no session was opened there.
    assert rogue_backend.query("SELECT COUNT(*) FROM sessions")[0][0] == 0


@pytest.mark.allow_log_warnings
def test_the_right_ca_for_the_wrong_host_is_refused(
    pki: dict[str, ThrowawayCA], tmp_path: Path
) -> None:
    server = pki["hall"].issue("elsewhere", hosts="DNS:backend.elsewhere.example")
    args = ("--tls-cert", str(server.cert), "--tls-key", str(server.key))
    with (
        start_backend(tmp_path / "b", serve_args=args) as backend,
        _client(backend, pki["hall"].cert) as client,
        pytest.raises(e.BackendUntrusted),
    ):
        client.identify_password(PHONE, DEMO_PASSWORD)


@pytest.mark.allow_log_warnings
def test_mutual_tls_refuses_a_terminal_without_its_certificate(
    mtls_backend: LiveBackend, pki: dict[str, ThrowawayCA]
) -> None:
    rogue_cert = pki["rogue"].issue("rogue-kiosk", server=False)
    for cert in (None, rogue_cert):
        with (
            _client(mtls_backend, pki["hall"].cert, cert) as client,
            pytest.raises(e.BackendUnavailable),
        ):
            client.identify_password(PHONE, DEMO_PASSWORD)
    assert mtls_backend.query("SELECT COUNT(*) FROM sessions")[0][0] == 0
    kiosk_cert = pki["hall"].issue("kiosk-0001", server=False)
    with _client(mtls_backend, pki["hall"].cert, kiosk_cert) as client:
        assert client.identify_password(PHONE, DEMO_PASSWORD).factors
    assert mtls_backend.query("SELECT COUNT(*) FROM sessions")[0][0] == 1


def _run_config(tmp_path: Path, backend: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f"""journal_path = "{tmp_path / "journal.sqlite3"}"
[terminal]
id = "BJ-CY-0001"
[backend]
terminal_token = "{TOKEN}"
{backend}
[admin]
pin_hash = "{hash_pin("97531")}"
""",
        encoding="utf-8",
    )
    return path


def test_kiosk_run_refuses_plain_http(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _run_config(tmp_path, 'url = "http://10.0.0.5:8600"')
    assert kiosk_main(["run", "--config", str(path)]) == 2
    out = capsys.readouterr().out
    assert "backend.url: plain http://" in out
    assert "allow_plain_http_token_in_clear" in out
    # Demo mode reads the same file without complaint: the demo stack is plain loopback HTTP.
    assert load_config(path).backend.url == "http://10.0.0.5:8600"


def test_plain_http_only_when_the_risk_is_accepted_by_name(tmp_path: Path) -> None:
    path = _run_config(
        tmp_path, 'url = "http://10.0.0.5:8600"\nallow_plain_http_token_in_clear = true'
    )
    assert load_config(path, Mode.RUN).backend.url == "http://10.0.0.5:8600"


def test_https_in_run_mode_needs_a_ca_that_loads(
    tmp_path: Path, pki: dict[str, ThrowawayCA]
) -> None:
    with pytest.raises(ConfigError, match=r"^backend\.ca_file: required for https://"):
        load_config(_run_config(tmp_path, 'url = "https://10.0.0.5"'), Mode.RUN)
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^backend\.ca_file: .*not a PEM CA certificate"):
        load_config(
            _run_config(tmp_path, f'url = "https://10.0.0.5"\nca_file = "{junk}"'), Mode.RUN
        )
    other = pki["rogue"].issue("mismatched", server=False)
    mine = pki["hall"].issue("mine", server=False)
    with pytest.raises(ConfigError, match=r"^backend\.client_key: does not load"):
        load_config(
            _run_config(
                tmp_path,
                f'url = "https://10.0.0.5"\nca_file = "{pki["hall"].cert}"\n'
                f'client_cert = "{mine.cert}"\nclient_key = "{other.key}"',
            ),
            Mode.RUN,
        )


def test_a_run_config_reaches_the_tls_backend_through_the_kiosk_wiring(
    tmp_path: Path, tls_backend: LiveBackend, pki: dict[str, ThrowawayCA]
) -> None:
    """The file's [backend] keys reach the client the kiosk builds (ui.app.backend_factory)."""
    from ui.app import backend_factory

    path = _run_config(tmp_path, f'url = "{tls_backend.url}"\nca_file = "{pki["hall"].cert}"')
    config = load_config(path, Mode.RUN)
    # The test backend knows only the demo terminal; the file's own id/token are checked above.
    config = dataclasses.replace(
        config,
        terminal=dataclasses.replace(config.terminal, id=tls_backend.terminal_id),
        backend=dataclasses.replace(config.backend, terminal_token=tls_backend.terminal_token),
    )
    with backend_factory(config)() as client:
        assert client.identify_password(PHONE, DEMO_PASSWORD).factors


@pytest.mark.parametrize(
    "args",
    [
        ["--tls-cert", "server.pem"],
        ["--tls-key", "server.key"],
        ["--tls-client-ca", "ca.pem"],
    ],
)
def test_backend_serve_refuses_half_a_tls_setup(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from backend.__main__ import main as backend_main

    with pytest.raises(SystemExit) as info:
        backend_main(["serve", "--db", "sqlite://", *args])
    assert info.value.code == 2
    assert "--tls-cert and --tls-key go together" in capsys.readouterr().err
