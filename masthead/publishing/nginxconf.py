"""deploy/nginx.conf adapted to a site folder, a backend and a listen address.

The shipped configuration names example places (/srv/masthead/site,
127.0.0.1:8000, port 80, /etc/nginx/masthead_proxy_params). Operators
(`masthead nginx-conf`), the benchmark and the nginx tests all need it
pointed elsewhere; doing it here, once, keeps them on the same rules. Each
replacement insists on finding its text, so an edit of deploy/nginx.conf that
renames one of them fails here rather than quietly leaving it unadapted.

deploy/ sits at the root of the repository and is not packaged: this reads it
from a source checkout (or an editable install of one).
"""

from pathlib import Path

SHIPPED = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"


def shipped() -> str:
    """Return the text of deploy/nginx.conf; FileNotFoundError if not there."""
    if not SHIPPED.is_file():
        raise FileNotFoundError(
            f"{SHIPPED} not found: deploy/nginx.conf is read from a source"
            " checkout of Masthead, and is not installed with the package"
        )
    return SHIPPED.read_text()


def swap(conf: str, expected: str, replacement: str) -> str:
    """Return conf with every `expected` replaced; ValueError if there is none."""
    if expected not in conf:
        raise ValueError(f"nginx configuration has no {expected!r} to adapt")
    return conf.replace(expected, replacement)


POLICY_HEADER = "        add_header Content-Security-Policy {} always;\n"
NO_FRAMING = "        add_header X-Frame-Options DENY always;\n"


def adapted(
    site_dir: str | Path,
    backend: str,
    listen: str | int,
    proxy_params: str | Path | None = None,
    conf: str | None = None,
    policy: str | None = None,
) -> str:
    """Return deploy/nginx.conf (or `conf`) for this folder, backend and address.

    `backend` is Masthead's HOST:PORT, `listen` what nginx's `listen` takes
    (80, 127.0.0.1:8080); `proxy_params` is where masthead_proxy_params was
    copied, left at /etc/nginx/ when None. `policy` replaces the shipped
    Content-Security-Policy of pages (empty: none), with X-Frame-Options sent
    when it has no frame-ancestors, as masthead.pagecache.middleware does.
    """
    conf = shipped() if conf is None else conf
    if policy is not None:
        conf = with_policy(conf, policy.strip())
    conf = swap(conf, "root /srv/masthead/site;", f"root {site_dir};")
    conf = swap(conf, "server 127.0.0.1:8000;", f"server {backend};")
    conf = swap(conf, "listen 80;", f"listen {listen};")
    if proxy_params is not None:
        conf = swap(
            conf,
            "include /etc/nginx/masthead_proxy_params;",
            f"include {proxy_params};",
        )
    return conf


def with_policy(conf: str, policy: str) -> str:
    """Return conf sending `policy` with its pages; ValueError if nginx cannot."""
    if any(character in policy for character in '"$\\\n'):
        # nginx would end the value at the quote, or read $ as a variable.
        raise ValueError(
            'a Content-Security-Policy for nginx has no ", $, \\ or line break'
        )
    start = conf.find(POLICY_HEADER.split("{}")[0])
    if start == -1:
        raise ValueError("nginx configuration has no Content-Security-Policy to adapt")
    end = conf.index("\n", start) + 1
    lines = POLICY_HEADER.format(f'"{policy}"') if policy else ""
    if "frame-ancestors" not in policy:
        lines += NO_FRAMING
    return conf[:start] + lines + conf[end:]
