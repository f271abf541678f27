"""Field work without a network: the service worker, the app shell it keeps on the phone,
the page shown for what is not kept, and who is signed in for the phone's outbox."""
from flask import Blueprint

from market.models import utcnow

bp = Blueprint("offline", __name__)


@bp.app_context_processor
def rendered_at() -> dict[str, str]:
    """When the server made the page: a copy kept on the phone shows its age by it."""
    return {"rendered_at": utcnow().isoformat(timespec="seconds")}


from market.offline import routes  # noqa: F401  (registers the views)
