from rest_framework import serializers

from uppsikt.policies import loader
from uppsikt.policies.vocabulary import PLATFORM_LABELS


class TriageRequestSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=100_000)
    policy = serializers.CharField(required=False, allow_blank=False, max_length=64)
    platform = serializers.ChoiceField(choices=list(PLATFORM_LABELS.items()), required=False)

    def validate_policy(self, value: str) -> str:
        if value not in loader.preset_names():
            raise serializers.ValidationError(f"okänd policy '{value}'; finns: {', '.join(loader.preset_names())}")
        return value


class ReasonSerializer(serializers.Serializer):
    category = serializers.CharField()
    rule = serializers.CharField()
    span = serializers.ListField(child=serializers.IntegerField(), min_length=2, max_length=2)
    score = serializers.FloatField()


class OverruledSerializer(ReasonSerializer):
    """A rule's finding the shipped model dropped, with why."""

    explanation = serializers.CharField()


class TriageDecisionSerializer(serializers.Serializer):
    """The contract's decision plus what the UI shows (explanations, help, steps)."""

    categories = serializers.ListField(child=serializers.CharField())
    urgent = serializers.BooleanField()
    action = serializers.CharField()
    reasons = ReasonSerializer(many=True)
    policy = serializers.CharField()
    action_label = serializers.CharField()
    steps = serializers.ListField(child=serializers.CharField())
    needs_expert = serializers.BooleanField()
    alert_duty = serializers.BooleanField()
    police = serializers.BooleanField()
    help = serializers.CharField(allow_null=True)
    explanations = serializers.ListField(child=serializers.CharField())
    overruled = OverruledSerializer(many=True)
