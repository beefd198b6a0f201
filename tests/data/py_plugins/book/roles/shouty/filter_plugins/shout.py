class FilterModule:
    def filters(self):
        return {"shout": lambda v: str(v).upper() + "!"}
