#!/usr/bin/python3
"""Verify a `telehealth audit prove` inclusion proof offline.

Written from RFC 9162 section 2.1 (Merkle tree hashes, inclusion proof
verification in 2.1.3.2) and RFC 8032 (Ed25519), apart from the server's
code, so that the test suite checks the server against a second reading of
the same specifications. It uses only the Python standard library and the
`cryptography` package (Debian: python3-cryptography).

    verify_proof.py PROOF.json [--public-key KEY.pem]

Pass the key kept off the machine to show that the log's owner signed the
checkpoint: then it prints OK and exits 0 when every check passes. Without
--public-key the proof's own "public_key" is used, which anyone who forged
the proof could have put there, so a consistent proof prints UNVERIFIED
SIGNER and exits 2. Any failed check prints FAILED with the reason and
exits 1.
"""

import argparse
import base64
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding, PublicFormat, load_pem_public_key)


class ProofError(Exception):
    pass


def sha256(data):
    return hashlib.sha256(data).digest()


def field(value):
    """One field of the event encoding: "<byte length>:<value>;" or "-;" for null."""
    if value is None:
        return b"-;"
    raw = value.encode("utf-8")
    return str(len(raw)).encode() + b":" + raw + b";"


def event_hash(event):
    """SHA-256 over the previous hash and the length-prefixed event fields."""
    encoded = bytes.fromhex(event["prev_hash"])
    for value in (str(event["seq"]), event["id"], event["occurred_at"], event["event_type"],
                  event["actor_id"], event["actor_role"], event["patient_id"],
                  event["record_type"], event["record_id"], event["outcome"],
                  event["client_ip"], event["user_agent"], event["request_id"]):
        encoded += field(value)
    # Optional fields enter only when set; result_ids is preceded by its name.
    if event.get("break_glass_id") is not None:
        encoded += field(event["break_glass_id"])
    if event.get("result_ids") is not None:
        encoded += field("result_ids") + field(event["result_ids"])
    return sha256(encoded)


def leaf_hash(data):
    return sha256(b"\x00" + data)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


def root_from_inclusion_path(index, size, leaf, path):
    """RFC 9162 section 2.1.3.2: returns the root the path leads to."""
    if index >= size:
        raise ProofError(f"leaf index {index} is not below the tree size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise ProofError("the inclusion path is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn != 0 and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the inclusion path is shorter than the tree is deep")
    return r


def checkpoint_message(checkpoint):
    return ("telehealth-audit-checkpoint/v1\n"
            f"chain={checkpoint['chain']}\n"
            f"tree_size={checkpoint['tree_size']}\n"
            f"root_hash={checkpoint['root_hash']}\n"
            f"signed_at={checkpoint['signed_at']}\n"
            f"key_id={checkpoint['key_id']}\n").encode("utf-8")


def verify(proof, public_key_pem=None):
    event = proof["event"]
    checkpoint = proof["checkpoint"]
    if proof.get("format") != "telehealth-audit-inclusion-proof/v1":
        raise ProofError(f"unknown proof format {proof.get('format')!r}")
    if checkpoint["chain"] != event["chain"]:
        raise ProofError("the checkpoint belongs to another chain than the event")
    index = proof["leaf_index"]
    if index != event["seq"] - 1:
        raise ProofError(f"leaf index {index} is not the event's seq {event['seq']} minus one")

    data = event_hash(event)
    if data.hex() != event["hash"]:
        raise ProofError("the event's fields do not hash to its stored hash")
    path = [bytes.fromhex(h) for h in proof["inclusion_path"]]
    root = root_from_inclusion_path(index, checkpoint["tree_size"], leaf_hash(data), path)
    if root.hex() != checkpoint["root_hash"]:
        raise ProofError("the inclusion path does not lead to the checkpoint's root hash")

    if public_key_pem is not None:
        key = load_pem_public_key(public_key_pem)
        if not isinstance(key, Ed25519PublicKey):
            raise ProofError("the public key file does not hold an Ed25519 key")
    else:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(checkpoint["public_key"]))
    raw_key = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    if sha256(raw_key)[:8].hex() != checkpoint["key_id"]:
        raise ProofError("the checkpoint's key id is not the id of the public key")
    try:
        key.verify(base64.b64decode(checkpoint["signature"]), checkpoint_message(checkpoint))
    except InvalidSignature:
        raise ProofError("the checkpoint signature does not verify") from None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("proof", help="JSON written by `telehealth audit prove`")
    parser.add_argument("--public-key", help="PEM written by `telehealth audit public-key`")
    arguments = parser.parse_args()
    with open(arguments.proof, encoding="utf-8") as f:
        proof = json.load(f)
    pem = None
    if arguments.public_key:
        with open(arguments.public_key, "rb") as f:
            pem = f.read()
    try:
        verify(proof, pem)
    except (ProofError, KeyError, TypeError, ValueError) as error:
        print(f"FAILED: {error}")
        return 1
    event = proof["event"]
    where = (f"event {event['id']} is leaf {proof['leaf_index']} of chain {event['chain']}"
             f" in the checkpoint signed at tree size {proof['checkpoint']['tree_size']}")
    if pem is None:
        print(f"UNVERIFIED SIGNER: {where}, signed by the key inside the proof;"
              " pass --public-key with the key kept off the machine")
        return 2
    print(f"OK: {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
