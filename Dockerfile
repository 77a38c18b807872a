# The Newsroom image: one image, four roles (deploy/entrypoint.sh): web (granian), worker, scheduler, migrate.
#   docker build -t newsroom .                 compose.yaml builds it for every app service
#   docker run --env-file … newsroom web       settings from the environment (README); SECRET_KEY is required
# Static files are collected at build time (WhiteNoise serves them from the image); uploads go to /srv/newsroom/media,
# a volume shared by the web servers, the worker and the proxy (docs/deploy.md).
FROM python:3.13-slim

# Inside a container granian listens on the container's network (deploy/granian.env says 127.0.0.1 for a plain
# server); only the edge reaches it: compose.yaml publishes no port of the app services.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MEDIA_ROOT=/srv/newsroom/media \
    STATIC_ROOT=/srv/newsroom/staticfiles \
    GRANIAN_HOST=0.0.0.0 \
    GRANIAN_PORT=8000

RUN groupadd --system --gid 10001 newsroom \
    && useradd --system --uid 10001 --gid newsroom --home-dir /srv/newsroom --no-create-home \
       --shell /usr/sbin/nologin newsroom

WORKDIR /srv/newsroom
# Dependencies first: a code change does not reinstall them. Every pin ships a manylinux wheel (no compiler).
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
RUN deploy/entrypoint.sh build-static \
    && mkdir -p media \
    && chown newsroom:newsroom media

USER newsroom
EXPOSE 8000
# The role's own check (deploy/healthcheck.py reads the role the entrypoint started).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["python", "deploy/healthcheck.py"]
ENTRYPOINT ["deploy/entrypoint.sh"]
CMD ["web"]
