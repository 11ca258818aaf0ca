"""olah (a self-hosted Hugging Face mirror) on 127.0.0.1, serving the git repos under MIRRORS as the
hub serves its repos: `python tests/hub_mirror.py MIRRORS PORT PARENT_PID`. The access log goes to
stdout.

olah 0.5.4 answers 401 RepoNotFound for a local mirror's missing file, missing folder tree and bare
`/api/{type}/{org}/{name}` route, where the hub answers 404 EntryNotFound (and the repo's info);
transformers probes optional files and fails on the 401. The two patched resolvers below make a
repo present in the mirror answer as the hub does. The server exits when PARENT_PID is gone.
"""

import os
import sys
import threading
import time

import uvicorn
from olah import errors, server, server_api_routes, server_file_routes
from olah.configs import OlahConfig
from olah.server_mirror import has_local_mirror, load_local_mirror_payload


def _commit(app, repo, revision):
    def sha(local):
        try:
            return local._git_repo.commit(revision).hexsha
        except Exception:  # noqa: BLE001  an unknown revision: gitdb raises several kinds
            return None
    return load_local_mirror_payload(app, repo, sha, server_api_routes._get_logger(app))


def _patched(original):
    async def resolve(app, repo, requested, authorization, *args, **kwargs):
        if not has_local_mirror(app, repo):
            return await original(app, repo, requested, authorization, *args, **kwargs)
        if _commit(app, repo, requested) is None:
            return None, errors.error_revision_not_found(requested)
        return None, errors.error_entry_not_found()  # the revision exists, the path does not
    return resolve


def _latest(original):
    async def latest(app, repo, authorization):
        if not has_local_mirror(app, repo):
            return await original(app, repo, authorization)
        return _commit(app, repo, "HEAD")  # the hub's repo info is its main branch's
    return latest


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


if __name__ == "__main__":
    mirrors, port, parent = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for module in (server_api_routes, server_file_routes):
        module.resolve_requested_commit = _patched(module.resolve_requested_commit)
    server_api_routes.get_latest_commit = _latest(server_api_routes.get_latest_commit)
    config = OlahConfig()
    config.host, config.port, config.offline = "127.0.0.1", port, True
    config.mirrors_path, config.repos_path = [mirrors], os.path.join(mirrors, ".olah-cache")
    config.mirror_netloc = config.mirror_lfs_netloc = f"127.0.0.1:{port}"
    server.app.state.app_settings = server.AppSettings(config=config)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    uvicorn.run(server.app, host="127.0.0.1", port=port, log_level="info")
