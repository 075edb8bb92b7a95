"""Model labels in Traditional Chinese, by model name (each model states its English label);
the report, the terminal and the JSON documents show them with `--lang zh`."""

from __future__ import annotations

MODEL_LABELS_ZH = {
    "compromise": "妥協模型（加權平均數）",
    "median": "加權中位數",
    "nash-issue": "逐議題納什議價（以現狀為談判破裂點）",
    "eu": "預期效用模型（BDM，教科書版）",
    "eu-scholz": "預期效用模型（BDM，Scholz 等 2011 年複製版）",
    "exchange": "交換模型（Stokman 等額得益）",
    "smp": "政治空間模型（KTAB）",
    "deal-nash": "談判主體的一攬子協議：納什解（相對無協議的得益乘積最大）",
    "deal-ks": "談判主體的一攬子協議：Kalai-Smorodinsky 解（各方得到其最大得益的相同比例）",
    "deal-egalitarian": "談判主體的一攬子協議：平等解（最小得益最大）",
    "deal-utilitarian": "談判主體的一攬子協議：效用主義解（效用總和最大）",
    "ensemble": "等權集成（各模型預測的平均）",
}


def model_label(name: str, label: str, lang: str = "en") -> str:
    """A model's label in `lang`: its own (English) label unless a translation is known."""
    if lang == "zh":
        return MODEL_LABELS_ZH.get(name, label)
    return label
