"""What a Google-style docstring says of each argument: the help of generated flags."""

import inspect
import re

_ENTRY = re.compile(r"^(\s*)([A-Za-z_][\w, ]*):\s*(.*)$")


def arguments(obj):
    """`{argument: description}` of the `Args:` section of `obj`'s docstring; an
    entry naming several arguments (`real_target, fake_target: ...`) describes each.

    Example:
    >>> def f(a, b):
    ...     '''Adds.
    ...
    ...     Args:
    ...         a, b: the numbers.
    ...     '''
    >>> arguments(f)
    {'a': 'the numbers.', 'b': 'the numbers.'}
    """
    lines = (inspect.getdoc(obj) or "").splitlines()
    if "Args:" not in lines:
        return {}
    described, current, indent = {}, None, None
    for line in lines[lines.index("Args:") + 1:]:
        if line and not line.startswith(" "):
            break  # the next section
        match = _ENTRY.match(line)
        if match and (indent is None or len(match.group(1)) == indent):
            indent = len(match.group(1))
            current = [name.strip() for name in match.group(2).split(",")]
            for name in current:
                described[name] = match.group(3).strip()
        elif current and line.strip():
            for name in current:
                described[name] += " " + line.strip()
    return described


def first_sentence(text):
    """The first sentence of `text`: up to a full stop followed by a capital letter
    or the end ("eq. 10", "et al. 2016" and "e.g. EDGAN" do not end it)."""
    match = re.match(r"(.+?(?<!e\.g)(?<!i\.e)\.)(\s+[A-Z]|$)", text)
    return match.group(1) if match else text
