class FilterModule:
    def filters(self):
        return {"configured": lambda v: "configured:" + str(v), "reverse_words": lambda v: "configured loses"}
