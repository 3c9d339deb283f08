#!/usr/bin/env node
import "../dist/suppression-cli.js";
