DOCUMENTATION = """
    name: echo_terms
    short_description: the terms back, each with a prefix (orch's tests)
    options:
      _terms:
        description: anything
      prefix:
        description: put before each term
        type: str
        default: "-"
"""

from ansible.plugins.lookup import LookupBase


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        prefix = self.get_option("prefix")
        seen = self._templar.template("{{ greeting }}")
        return [f"{prefix}{term}" for term in terms] + [seen, variables["greeting"]]
