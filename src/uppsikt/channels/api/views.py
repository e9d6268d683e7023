from rest_framework import permissions, viewsets

from ..models import Channel, Status
from .serializers import ChannelSerializer, PublicChannelSerializer


class ChannelViewSet(viewsets.ReadOnlyModelViewSet):
    """The channel register (GOV-1). Changes go through the register's pages and services."""

    serializer_class = ChannelSerializer
    lookup_field = "slug"
    queryset = Channel.objects.select_related("unit").prefetch_related("approvals__approver").order_by("name")


class PublicChannelViewSet(viewsets.ReadOnlyModelViewSet):
    """Active channels, open to everyone (GOV-7)."""

    serializer_class = PublicChannelSerializer
    lookup_field = "slug"
    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    queryset = Channel.objects.filter(status=Status.ACTIVE).select_related("unit").order_by("name")
