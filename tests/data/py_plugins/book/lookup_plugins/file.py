from ansible.plugins.lookup import LookupBase


class LookupModule(LookupBase):
    """Shadows the builtin file lookup for short names."""

    def run(self, terms, variables=None, **kwargs):
        return ["shadowed " + t for t in terms]
