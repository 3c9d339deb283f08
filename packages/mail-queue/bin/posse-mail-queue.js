#!/usr/bin/env node
import "../dist/queue-cli.js";
