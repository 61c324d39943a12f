"""One notification service for all modules (filled in below)."""

from .models import Channel, NotificationPreference

CHANNEL_DEFAULTS = {Channel.INAPP: True, Channel.EMAIL: True, Channel.SMS: False, Channel.ZALO: False}


def channel_enabled(user, channel, topic=""):
    """Whether user wants notifications of topic on channel (topic rule, then all-topics rule, then default)."""
    prefs = {(p.topic, p.enabled) for p in NotificationPreference.objects.filter(user=user, channel=channel)}
    for wanted_topic in (topic, ""):
        for pref_topic, enabled in prefs:
            if pref_topic == wanted_topic and (wanted_topic or not topic or pref_topic == ""):
                return enabled
    return CHANNEL_DEFAULTS[Channel(channel)]
