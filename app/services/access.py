"""Per-campaign authorisation, in one place: owners and admins only, 404 for everyone else."""
from werkzeug.exceptions import NotFound


def owned_or_404(record, owner_id, user, what):
    """Return `record` if `user` owns it (or is an admin); else 404, with no hint it exists."""
    if record is None or not (user.is_admin or owner_id == user.id):
        raise NotFound(f"We couldn't find that {what} in your account.")
    return record
