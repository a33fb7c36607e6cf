# Built by deploy/docker/python310-base.sh with a CPython 3.10 prefix as its context; see there.
ARG BASE=localhost/lotse-debian-base:bookworm
FROM ${BASE}
COPY . /opt/python3.10/
RUN echo /opt/python3.10/lib > /etc/ld.so.conf.d/python3.10.conf && ldconfig \
    && missing=$(for f in /opt/python3.10/bin/python3.10 /opt/python3.10/lib/python3.10/lib-dynload/*.so; do \
         ldd "$f" | grep 'not found' | sed "s|^|$f: |"; done) \
    && if [ -n "$missing" ]; then echo "libraries missing from the base: $missing"; exit 1; fi
ENV PATH=/opt/python3.10/bin:$PATH
USER 10001:10001
RUN python3 -c 'import sys; assert sys.prefix == "/opt/python3.10", sys.prefix; \
    import ssl, sqlite3, ctypes, lzma, bz2, readline, zlib, uuid, hashlib, decimal, venv, ensurepip; \
    print("python", sys.version.split()[0], "in", sys.prefix, "-", ssl.OPENSSL_VERSION, "- sqlite", sqlite3.sqlite_version)'
USER root
