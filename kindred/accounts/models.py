from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailUserManager(UserManager):
    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email or username)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(None, email, password, **extra_fields)


class User(AbstractUser):
    """A person. Signs in with an email address; there is no separate username."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = EmailUserManager()

    def __str__(self) -> str:
        return self.full_name or self.email


class SchoolStaff(models.Model):
    """A person's role at a school."""

    class Role(models.TextChoices):
        LEADER = "leader", _("School leader")
        TEACHER = "teacher", _("Teacher")
        EXAMS_OFFICER = "exams_officer", _("Exams officer")
        ADMINISTRATOR = "administrator", _("School administrator")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="school_roles")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.TEACHER)

    class Meta:
        verbose_name_plural = "school staff"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "school", "role"], name="schoolstaff_one_role_per_school"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.school.name}"


class RegionalRole(models.Model):
    """A system leader for a region or one local authority: sees every school there."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="regional_roles")
    region = models.ForeignKey(
        "schools.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    local_authority = models.ForeignKey(
        "schools.LocalAuthority", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(region__isnull=False, local_authority__isnull=True)
                | models.Q(region__isnull=True, local_authority__isnull=False),
                name="regionalrole_region_xor_authority",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — system leader for {self.region or self.local_authority}"
