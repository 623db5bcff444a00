"""Real-browser tests: JupyterLab driven through Playwright in Debian's chromium."""
