def export_csv(version) -> str:
    raise NotImplementedError
