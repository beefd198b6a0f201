raise NotImplementedError("boom")
