# readybot: build the package in one stage, run it as a non-root user in another.
FROM python:3.11-slim AS build
WORKDIR /src
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
COPY pyproject.toml constraints.txt README.md ./
COPY bot ./bot
COPY commands ./commands
COPY storage ./storage
COPY scheduler ./scheduler
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install -c constraints.txt .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 readybot
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PORT=3000
USER readybot
WORKDIR /home/readybot
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)" || exit 1
# Migrations also run at start; running them first makes a failed migration fail the deploy loudly.
CMD ["sh", "-c", "readybot db upgrade && exec readybot serve"]
