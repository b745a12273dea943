"""The decision core, platform-neutral: commands in, effects out.

The shared vocabulary sits here (``model``, ``commands``, ``effects``, ``errors``,
``ports``, ``context``, ``registry``, ``anonymity``, ...); each feature is a wing
(``counting``, ``polls``, ``timing``, ``voices``, ``coproduction``, ``words``) that
offers its verbs and handlers to ``service``, which composes them. See docs/architecture.md.
"""
