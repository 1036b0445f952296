#!/usr/bin/python3
"""A real SMTP server on loopback for the e-mail tests (Debian's python3-aiosmtpd).

STARTTLS (required when --cert is given; --implicit-tls for TLS from the first byte) and AUTH (required when --user is given). Recipients
steer the answers: tempfail@... is refused with 451 the first time and accepted afterwards,
reject@... is refused with 550. Every accepted message is parsed back with Python's email
package and written to --out as one JSON object per line, beside one line per refusal.
"""
import argparse
import email
import email.policy
import email.utils
import json
import os
import signal
import socket
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Recorder:
    def __init__(self, out):
        self.out = out
        self.lock = threading.Lock()
        self.tempfailed = set()

    def write(self, record):
        with self.lock, open(self.out, "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


class Handler:
    def __init__(self, recorder, implicit_tls):
        self.recorder = recorder
        self.implicit_tls = implicit_tls

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local == "tempfail" and address not in self.recorder.tempfailed:
            self.recorder.tempfailed.add(address)
            self.recorder.write({"event": "refused", "code": 451, "rcpt": address})
            return "451 4.3.0 Mailbox busy, try again later"
        if local == "reject":
            self.recorder.write({"event": "refused", "code": 550, "rcpt": address})
            return "550 5.1.1 <%s>: Recipient address rejected" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        wire = email.message_from_bytes(raw, policy=email.policy.compat32)
        parts = []
        for part in parsed.walk():
            if part.is_multipart():
                continue
            parts.append({
                "content_type": part.get_content_type(),
                "charset": part.get_content_charset(),
                "transfer_encoding": part.get("Content-Transfer-Encoding", ""),
                "content": part.get_content(),
            })
        date = parsed.get("Date")
        self.recorder.write({
            "event": "message",
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None or self.implicit_tls,
            "auth_user": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
            "headers": {k: str(v) for k, v in parsed.items()},
            "raw_headers": {k: v for k, v in wire.items()},
            "date_valid": date is not None and email.utils.parsedate_to_datetime(str(date)) is not None,
            "content_type": parsed.get_content_type(),
            "defects": [str(d) for d in parsed.defects] + [str(d) for p in parsed.walk() for d in p.defects],
            "parts": parts,
        })
        return "250 2.0.0 Ok: queued"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == args.user
              and auth_data.password.decode() == args.password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    kwargs = {}
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        if args.implicit_tls:
            kwargs.update(ssl_context=context)
        else:
            kwargs.update(tls_context=context, require_starttls=True)
    if args.user:
        # With implicit TLS the whole session is encrypted, but aiosmtpd only knows of STARTTLS.
        kwargs.update(authenticator=authenticator, auth_required=True,
                      auth_require_tls=bool(args.cert) and not args.implicit_tls)
    controller = Controller(Handler(Recorder(args.out), args.implicit_tls), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(args.port_file + ".tmp", args.port_file)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
