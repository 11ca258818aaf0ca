"""Ray: the backend of `--executor ray` and the check that Ray workers can reach the inputs."""
