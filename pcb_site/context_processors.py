from django.conf import settings


def site(request):
    """The site's name for the header and every <title>, and which navigation item is current."""
    return {
        "site_name": settings.SITE_NAME,
        "nav_section": request.path.strip("/").split("/", 1)[0],
    }
