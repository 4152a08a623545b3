"""Reading the public instruction text: what a non-privileged agent can extract from it.

Nothing here looks at the hidden goal; it parses only the words the agent is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

NAME_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’.-]*"
NAME_PATTERN = re.compile(rf"(?i:\bname:?|\bname is|\bfor|\bas)\s+({NAME_WORD})\s+({NAME_WORD})")
PHONE_PATTERN = re.compile(r"(\+1[\s.]?)?\(?\b(\d{3})\)?[\s.-]?(\d{3})[\s.-](\d{4})\b")
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
QUOTED_PATTERN = re.compile(r"[\"“]([^\"”]{2,300})[\"”]")
NOT_NAMES = {"The", "A", "An", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}


@dataclass
class PublicRequest:
    """Strings found in the instruction (and the user's answers)."""

    names: list[tuple[str, str]] = field(default_factory=list)
    phones_as_written: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)  # normalised to 415-555-0134
    emails: list[str] = field(default_factory=list)
    quoted: list[str] = field(default_factory=list)


@lru_cache(maxsize=1024)
def read_request(text: str) -> PublicRequest:
    """Extract names, phones, emails and quoted requests from public text (memoised; do not mutate)."""
    request = PublicRequest()
    unquoted = QUOTED_PATTERN.sub(" ", text)  # a quoted special request is not a name, phone or email
    for first, last in NAME_PATTERN.findall(unquoted):
        last = last.rstrip(".,;:")
        if first not in NOT_NAMES and (first, last) not in request.names:
            request.names.append((first, last))
    for match in PHONE_PATTERN.finditer(unquoted):
        written = match.group(0).strip()
        normal = f"{match.group(2)}-{match.group(3)}-{match.group(4)}"
        if written not in request.phones_as_written:
            request.phones_as_written.append(written)
        if normal not in request.phones:
            request.phones.append(normal)
    for email in EMAIL_PATTERN.findall(unquoted):
        email = email.rstrip(".")
        if email not in request.emails:
            request.emails.append(email)
    request.quoted = list(dict.fromkeys(QUOTED_PATTERN.findall(text)))
    return request


def candidates_for_field(label: str, request: PublicRequest) -> list[str]:
    """Strings worth typing into a field with this label."""
    folded = label.casefold()
    if "first name" in folded:
        return [first for first, _ in request.names]
    if "last name" in folded:
        return [last for _, last in request.names]
    if "phone" in folded:
        return list(dict.fromkeys(request.phones_as_written + request.phones))
    if "email" in folded:
        return list(request.emails)
    if "request" in folded:
        return list(request.quoted)
    if "password" in folded:
        return []
    return []
