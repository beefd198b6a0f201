"""Filters beside a playbook (orch's tests): a new name, one that shadows a builtin, one that fails."""


def reverse_words(text, sep=" "):
    return sep.join(reversed(str(text).split(sep)))


def b64encode(value):
    return "plugin:" + str(value)  # shadows the builtin's short name


def explode(value):
    raise ValueError("no " + str(value))


def sees_undefined(value):
    return "called"


sees_undefined.accept_args_markers = True


class _Broken:
    @property
    def accept_args_markers(self):
        raise RuntimeError("boom")


class FilterModule:
    def filters(self):
        return {"reverse_words": reverse_words, "b64encode": b64encode, "explode": explode, "broken": _Broken(),
                "sees_undefined": sees_undefined, "has.dot": reverse_words}
