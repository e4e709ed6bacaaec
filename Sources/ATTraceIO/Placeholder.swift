import ATTraceCore
import CPcap
