from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from uppsikt.policies import loader
from uppsikt.policies.schema import PolicyError

from ..engine import get_engine
from .serializers import TriageDecisionSerializer, TriageRequestSerializer


class TriageView(APIView):
    """Triage one text by a policy's action table (MOD-1, MOD-2), with the rule behind
    each category and a Swedish explanation. Changes nothing; authenticated users only."""

    @extend_schema(request=TriageRequestSerializer, responses=TriageDecisionSerializer)
    def post(self, request):
        serializer = TriageRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            engine = get_engine(data.get("policy") or loader.DEFAULT_PRESET)
        except PolicyError as exc:
            return Response({"policy": [str(exc).splitlines()[0]]}, status=status.HTTP_400_BAD_REQUEST)
        decision = engine.classify(data["text"], platform=data.get("platform"))
        return Response(decision.to_json(extended=True))
