from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"


@require_POST
def logout_view(request):
    logout(request)
    return redirect("web:login")


@login_required
def dashboard(request):
    return render(request, "web/dashboard.html", {})
