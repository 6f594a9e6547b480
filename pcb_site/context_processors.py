from django.conf import settings


def site(request):
    """Site-wide template values: the neutral name, the quick-exit address, the current section."""
    # "brand_name", not "site_name": Django's auth views put the host name under that key.
    return {
        "brand_name": settings.SITE_NAME,
        "discreet_titles": settings.DISCREET_TITLES,
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "nav_section": request.path.strip("/").split("/", 1)[0],
    }
