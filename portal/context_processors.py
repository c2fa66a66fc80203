from portal.scope import scope_of


def scope(request) -> dict:
    return {"scope": scope_of(request.user)}
