from rest_framework import serializers

from ..models import Approval, Channel


class ApprovalSerializer(serializers.ModelSerializer):
    approver = serializers.CharField(source="approver.username")
    step = serializers.IntegerField(min_value=0, max_value=32767, read_only=True)  # the same schema on every database

    class Meta:
        model = Approval
        fields = ["step", "role", "approver", "at"]


class ChannelSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name", default=None)
    approvals = ApprovalSerializer(many=True, read_only=True)

    class Meta:
        model = Channel
        fields = ["slug", "name", "platform", "handle", "url", "unit", "purpose", "target_group", "goals", "official_email", "policy_name", "status", "activated_at", "closed_at", "approvals"]
        read_only_fields = fields


class PublicChannelSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name", default=None)

    class Meta:
        model = Channel
        fields = ["slug", "name", "platform", "handle", "url", "unit", "activated_at"]
        read_only_fields = fields
