"""deploy/nginx.conf adapted to a folder, a backend and a port, loudly or not at all."""

import os
import re
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from masthead.publishing.nginxconf import adapted, shipped
from tests.browser.test_files_nginx import NGINX, PROXY_PARAMS, ROOT, standalone

EXPECTED = [
    "root /srv/masthead/site;",
    "server 127.0.0.1:8000;",
    "listen 80;",
    "include /etc/nginx/masthead_proxy_params;",
]


def test_the_four_places_are_adapted():
    conf = adapted("/var/www/news", "10.0.0.5:9000", "127.0.0.1:8080", "/opt/params")
    assert "root /var/www/news;" in conf
    assert "server 10.0.0.5:9000;" in conf
    assert "listen 127.0.0.1:8080;" in conf
    assert conf.count("include /opt/params;") == 2  # /admin/ and @masthead
    assert not [text for text in EXPECTED if text in conf]


def test_the_proxy_params_stay_in_etc_nginx_unless_named():
    conf = adapted("/var/www/news", "127.0.0.1:8000", 80)
    assert conf.count("include /etc/nginx/masthead_proxy_params;") == 2


@pytest.mark.parametrize("expected", EXPECTED)
def test_a_conf_without_the_expected_text_is_refused(expected):
    conf = shipped().replace(expected, "# moved elsewhere")
    with pytest.raises(ValueError, match=re.escape(repr(expected))):
        adapted("/var/www/news", "127.0.0.1:8000", 80, "/opt/params", conf=conf)


def test_the_command_prints_the_config(tmp_path):
    out = StringIO()
    site = tmp_path / "site"
    call_command("nginx_conf", "--site", str(site), "--backend", "10.0.0.5:9000",
                 stdout=out)  # fmt: skip
    conf = out.getvalue()
    assert f"root {site.resolve()};" in conf
    assert "server 10.0.0.5:9000;" in conf
    assert "listen 80;" in conf
    assert conf.endswith("}\n")


def test_the_masthead_command_runs_it_with_a_relative_folder(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "masthead", "nginx-conf", "--site", "site",
         "--listen", "8080"],
        capture_output=True, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"root {(tmp_path / 'site').resolve()};" in result.stdout
    assert "server 127.0.0.1:8000;" in result.stdout
    assert "listen 8080;" in result.stdout


def test_nginx_accepts_the_adapted_config(tmp_path):
    if not os.path.exists(NGINX):
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    conf = adapted(tmp_path / "site", "127.0.0.1:8000", "127.0.0.1:8080", PROXY_PARAMS,
                   policy="default-src 'self'; frame-ancestors 'none'")  # fmt: skip
    result = subprocess.run(
        [NGINX, "-t", "-c", str(standalone(tmp_path, conf))],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_the_shipped_policy_is_the_default_one(settings):
    line = next(
        line for line in shipped().splitlines() if "Content-Security-Policy" in line
    )
    default = settings.MASTHEAD_CONTENT_SECURITY_POLICY_DEFAULT
    assert line.strip() == f'add_header Content-Security-Policy "{default}" always;'
    assert "add_header X-Frame-Options" not in shipped()  # frame-ancestors says it


@pytest.mark.parametrize(
    ("policy", "sent", "framing"),
    [
        ("default-src 'self'; frame-ancestors 'self'", True, False),
        ("default-src 'self'", True, True),
        ("", False, True),
    ],
)
def test_the_configured_policy_is_written(policy, sent, framing):
    conf = adapted("/var/www/news", "127.0.0.1:8000", 80, policy=policy)
    assert (f'Content-Security-Policy "{policy}" always;' in conf) is sent
    assert ("Content-Security-Policy" in conf) is sent
    assert ("add_header X-Frame-Options DENY always;" in conf) is framing


@pytest.mark.parametrize(
    "policy", ['script-src "x"', "script-src $host", "a\\b", "default-src\n'self'"]
)
def test_a_policy_nginx_cannot_quote_is_refused(policy):
    with pytest.raises(ValueError, match='no "'):
        adapted("/var/www/news", "127.0.0.1:8000", 80, policy=policy)


def test_the_command_writes_the_configured_policy(tmp_path, settings):
    settings.MASTHEAD_CONTENT_SECURITY_POLICY = "default-src 'self'"
    out = StringIO()
    call_command("nginx_conf", "--site", str(tmp_path), stdout=out)
    assert "Content-Security-Policy \"default-src 'self'\" always;" in out.getvalue()
    assert "add_header X-Frame-Options DENY always;" in out.getvalue()
