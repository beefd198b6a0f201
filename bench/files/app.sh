#!/bin/sh
echo "benchapp running from $(dirname "$0")"
