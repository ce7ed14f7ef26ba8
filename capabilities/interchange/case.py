def export_package(version) -> dict:
    raise NotImplementedError
