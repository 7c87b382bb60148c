"""Prints the shortlist through a client generated from Lokus's OpenAPI document.

Run by generate_client.sh, which generates the `lokus_api_client` package first. Nothing here
is written by hand against the wire format: the types and the call come from the document.
"""

import sys

from lokus_api_client import AuthenticatedClient, Client
from lokus_api_client.api.rankings import find_shortlist
from lokus_api_client.models import ShortlistBody


def main() -> int:
    base_url = sys.argv[1]
    token = sys.argv[2] if len(sys.argv) > 2 else ""
    # Reads are open unless the service requires read tokens; then pass a viewer token.
    client = AuthenticatedClient(base_url=base_url, token=token) if token else Client(base_url=base_url)
    with client as c:
        body = find_shortlist.sync(client=c)
    if not isinstance(body, ShortlistBody):
        print(f"unexpected answer: {body!r}", file=sys.stderr)
        return 1
    shortlist = body.shortlist
    if shortlist.demo:
        print("# DEMO DATA: synthetic districts, never official statistics")
    print(f"# fingerprint {shortlist.fingerprint}, k = {shortlist.k}, method {shortlist.params.method.value}")
    print("rank\tcode\tname\tprovince\tstunting %\tIndeks SPBE\tscore")
    for d in shortlist.districts:
        print(
            f"{d.rank}\t{d.code}\t{d.name}\t{d.province_name}\t"
            f"{d.stunting_prevalence:.1f}\t{d.spbe_index:.2f}\t{d.score:.4f}"
        )
    print(f"# {len(shortlist.districts)} districts")
    return 0 if len(shortlist.districts) == shortlist.k else 1


if __name__ == "__main__":
    sys.exit(main())
