from ansible_collections.orchtest.plug.plugins.filter.helper import twice


class FilterModule:
    def filters(self):
        return {"double": twice}
