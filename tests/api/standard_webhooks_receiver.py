"""A webhook receiver on loopback that verifies every delivery with the `standardwebhooks`
package (the specification's own Python implementation, independent of Lokus's signing).

    python standard_webhooks_receiver.py SECRETS_FILE LOG_FILE

Prints the port it listens on. For each POST it reads the secrets (one per line) afresh,
verifies the request against each, appends one JSON line to LOG_FILE (headers, body and one
verdict per secret) and answers 204 when a secret verifies it, 400 otherwise.
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

from standardwebhooks.webhooks import Webhook

SECRETS_FILE, LOG_FILE = sys.argv[1], sys.argv[2]


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        headers = {k.lower(): v for k, v in self.headers.items()}
        with open(SECRETS_FILE) as f:
            secrets = [line.strip() for line in f if line.strip()]
        verdicts = []
        for secret in secrets:
            try:
                Webhook(secret).verify(body, headers)
                verdicts.append("verified")
            except Exception as e:  # the library's verdict, whatever it is
                verdicts.append(f"rejected: {e}")
        entry = {
            "webhook_id": headers.get("webhook-id"),
            "webhook_timestamp": headers.get("webhook-timestamp"),
            "webhook_signature": headers.get("webhook-signature"),
            "content_type": headers.get("content-type"),
            "body": body.decode(),
            "verdicts": verdicts,
        }
        with open(LOG_FILE, "a") as f:
            f.write(json.dumps(entry) + "\n")
        self.send_response(204 if "verified" in verdicts else 400)
        self.end_headers()

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Receiver)
print(server.server_address[1], flush=True)
server.serve_forever()
